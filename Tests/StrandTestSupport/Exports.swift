// Tests use the workloads and artifacts that the shipped tools run as fixtures too.
@_exported import StrandWorkloads
