import Foundation

/// A document the RPC port serves on `GET` beside JSON-RPC (the block browser's page and its
/// assets): StrandRPC routes, the module that owns the content decides what a path shows.
public struct StaticPage: Sendable {
    public let contentType: String
    public let body: Data

    public init(contentType: String, body: Data) {
        self.contentType = contentType
        self.body = body
    }
}

/// The page for a request's path (its query removed), or nil: not found.
public typealias StaticPages = @Sendable (_ path: String) -> StaticPage?
