/** A digest of a journal's records that ignores the order of keys inside each record. */
export function sortedDigest(text: string): string;
