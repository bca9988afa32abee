/**
 * IP address syntax checks, as node:net has them. node:net loads on the first check, not at
 * import: `ps`, `images` and `run --network none` import the modules that check addresses
 * without ever checking one, and node:net costs them ~3 ms.
 */
export function isIP(text: string): number {
  return process.getBuiltinModule('node:net').isIP(text);
}

export function isIPv4(text: string): boolean {
  return process.getBuiltinModule('node:net').isIPv4(text);
}

export function isIPv6(text: string): boolean {
  return process.getBuiltinModule('node:net').isIPv6(text);
}
