// The terminal side of the dashboard: mounts the Ink app on the given streams, redraws
// at most `fps` times a second (FrameThrottle), redraws on resize, and unmounts. Frames
// are built by the caller (`frame(width, height)`) from the terminal's size at draw time;
// the height passed is one less than the terminal's rows, so a frame never scrolls it.
import { render, type Instance } from "ink";
import { App } from "./components/App.js";
import type { KeyPress } from "./keys.js";
import { FrameThrottle, realTimers, type Timers } from "./throttle.js";
import type { DashboardView } from "./view.js";

export interface ScreenOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  color: boolean;
  /** Frames per second at most (default and maximum 10). */
  fps?: number;
  timers?: Timers;
}

export const MAX_FPS = 10;

export class InkScreen {
  private ink: Instance | undefined;
  readonly throttle: FrameThrottle;
  private readonly onResize = () => this.throttle.request();

  constructor(
    private readonly opts: ScreenOptions,
    private readonly frame: (width: number, height: number) => DashboardView,
    private readonly onKey: (k: KeyPress) => void,
  ) {
    const fps = Math.min(MAX_FPS, opts.fps ?? MAX_FPS);
    this.throttle = new FrameThrottle(() => this.draw(), 1000 / fps, opts.timers ?? realTimers);
  }

  /** Whether keys can be read one by one (stdin is a terminal). */
  get interactive(): boolean {
    const s = this.opts.stdin as NodeJS.ReadStream & { setRawMode?: unknown };
    return Boolean(s.isTTY) && typeof s.setRawMode === "function";
  }

  size(): { width: number; height: number } {
    const width = Math.max(40, this.opts.stdout.columns || 80);
    const height = Math.max(12, (this.opts.stdout.rows || 24) - 1);
    return { width, height };
  }

  mount(): void {
    this.ink = render(this.element(), {
      stdout: this.opts.stdout,
      stdin: this.opts.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      // Frames are already limited by the throttle; a higher cap here adds no second delay.
      maxFps: 60,
    });
    this.throttle.frames++;
    this.opts.stdout.on("resize", this.onResize);
  }

  request(): void {
    if (this.ink) this.throttle.request();
  }

  /** Draws the last frame now and unmounts; the frame stays on the terminal. */
  async unmount(): Promise<void> {
    if (!this.ink) return;
    this.throttle.flush();
    this.throttle.cancel();
    this.opts.stdout.off("resize", this.onResize);
    const ink = this.ink;
    this.ink = undefined;
    ink.unmount();
    await ink.waitUntilExit();
  }

  private draw(): void {
    this.ink?.rerender(this.element());
  }

  private element() {
    const { width, height } = this.size();
    return <App view={this.frame(width, height)} color={this.opts.color} onKey={this.onKey} />;
  }
}
