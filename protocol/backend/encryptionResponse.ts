/*
 * The answer to SSLRequest and GSSENCRequest: a single byte, not a typed
 * message. 'N' means "not willing": the client continues unencrypted (or
 * gives up, if it required encryption). 'S' / 'G' would start a TLS / GSSAPI
 * handshake, which this server does not offer.
 *
 * @see https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.11
 */
const refusal = Buffer.from('N');

export const createEncryptionRefusal = (): Buffer => refusal;
