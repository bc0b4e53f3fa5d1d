/**
 * Node closes idle keep-alive connections after 5 s, while SDK clients (Cosmos, axios) happily
 * reuse a socket idle for longer: the request then dies with ECONNRESET. Azure's front ends keep
 * idle connections for minutes, so local servers do too.
 */
import type http from 'node:http';

export function keepConnectionsLikeAzure(server: http.Server): http.Server {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return server;
}
