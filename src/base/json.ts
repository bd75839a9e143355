// How deep JSON text nests, measured before it is parsed: JSON.parse takes any depth, but
// what walks the value afterwards (JSON.stringify, the yaml library) recurses and overflows
// the stack a few thousand levels down. One pass over the bytes, no recursion.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the objects and arrays of JSON text, brackets outside strings, nest deeper than `limit`. */
export function jsonNestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}
