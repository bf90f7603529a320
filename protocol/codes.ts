/*
 * Message type bytes of protocol v3. Frontend and backend reuse letters
 * ('D' is Describe from the client, DataRow from the server), so there are
 * two tables.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
export const FrontendCode = {
  Bind: 0x42, // B
  Close: 0x43, // C
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyFail: 0x66, // f
  Describe: 0x44, // D
  Execute: 0x45, // E
  Flush: 0x48, // H
  FunctionCall: 0x46, // F
  Parse: 0x50, // P
  /** PasswordMessage, SASLInitialResponse and SASLResponse: which one is known only from the authentication state. */
  Password: 0x70, // p
  Query: 0x51, // Q
  Sync: 0x53, // S
  Terminate: 0x58, // X
} as const;

export const BackendCode = {
  Authentication: 0x52, // R
  BackendKeyData: 0x4b, // K
  BindComplete: 0x32, // 2
  CloseComplete: 0x33, // 3
  CommandComplete: 0x43, // C
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyInResponse: 0x47, // G
  CopyOutResponse: 0x48, // H
  DataRow: 0x44, // D
  EmptyQueryResponse: 0x49, // I
  ErrorResponse: 0x45, // E
  NegotiateProtocolVersion: 0x76, // v
  NoData: 0x6e, // n
  NoticeResponse: 0x4e, // N
  NotificationResponse: 0x41, // A
  ParameterDescription: 0x74, // t
  ParameterStatus: 0x53, // S
  ParseComplete: 0x31, // 1
  PortalSuspended: 0x73, // s
  ReadyForQuery: 0x5a, // Z
  RowDescription: 0x54, // T
} as const;

/** Startup-phase request codes (the int32 where a protocol version would be). */
export const StartupCode = {
  /** 1234 << 16 | 5678 */
  CancelRequest: 80877102,
  /** 1234 << 16 | 5679 */
  SSLRequest: 80877103,
  /** 1234 << 16 | 5680 */
  GSSENCRequest: 80877104,
  /** 3 << 16 | 0 */
  Protocol3: 196608,
} as const;

/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH (pqcomm.h): the most bytes a startup packet may have after its length word. */
export const MAX_STARTUP_PACKET_LENGTH = 10000;

/** PQ_SMALL_MESSAGE_LIMIT (libpq.h): the cap for messages that never carry data (Sync, Describe, ...). */
export const SMALL_MESSAGE_LIMIT = 10000;

/** PG_MAX_AUTH_TOKEN_LENGTH (auth.h): the cap for password and SASL messages. */
export const MAX_AUTH_TOKEN_LENGTH = 65535;
