// Hands every key press to `onKey`, when the terminal can give single keys (raw mode);
// renders nothing. Keys typed faster than a frame can arrive together ("+++"): each
// character is handed on as its own key.
import { useInput, useStdin } from "ink";
import { splitKeys, type KeyPress } from "../keys.js";

export function KeyInput({ onKey }: { onKey: (k: KeyPress) => void }) {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      for (const k of splitKeys(input, key)) onKey(k);
    },
    { isActive: isRawModeSupported === true },
  );
  return null;
}
