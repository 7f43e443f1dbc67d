/**
 * Protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`), as kubectl's
 * typed clients send them. Decode-only: replies stay JSON, which those clients also accept.
 */
export {
  decodeProtobufObject,
  hasProtobufMagic,
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_MAGIC,
  type DecodedProtobufObject,
  type DecodeOptions,
} from './decode';
export { SUPPORTED_PROTOBUF_KINDS, messageFor, type ProtobufKind } from './kinds';
