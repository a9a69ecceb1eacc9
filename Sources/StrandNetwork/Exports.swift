// The interface the protocols program against comes with its implementation.
@_exported import StrandNetworkAPI
