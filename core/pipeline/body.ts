/** Serialize a response body: objects as JSON, strings and Buffers as they are. */
export function serializeBody(body: unknown): { buffer: Buffer; contentType: string } {
  if (Buffer.isBuffer(body)) return { buffer: body, contentType: 'application/octet-stream' };
  if (typeof body === 'string') return { buffer: Buffer.from(body), contentType: 'text/plain; charset=utf-8' };
  return { buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}
