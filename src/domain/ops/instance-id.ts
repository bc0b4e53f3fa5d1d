/**
 * Which strings can name an orchestration instance in an operator route. The Durable extension
 * forbids `/`, `\`, `#`, `?` and control characters and caps ids at 256 characters; the SDK also
 * pastes ids into URLs unencoded, so only URL-safe characters are accepted here.
 */
const INSTANCE_ID = /^[A-Za-z0-9._~:@!$'()*+,;=-]{1,256}$/;

export function isInstanceId(value: string): boolean {
  return INSTANCE_ID.test(value) && !value.startsWith('@');
}
