/**
 * Gates let a test hold an activity or entity operation in flight: the handler awaits `pass()`,
 * the test awaits `entered` to know it is running, then calls `open()` when it is ready.
 */
export class Gate {
  private opened = false;
  private release: () => void = () => undefined;
  private enter: () => void = () => undefined;
  private readonly openPromise = new Promise<void>((resolve) => (this.release = resolve));
  /** Resolves once a handler has reached the gate. */
  readonly entered = new Promise<void>((resolve) => (this.enter = resolve));

  async pass(): Promise<void> {
    this.enter();
    if (!this.opened) await this.openPromise;
  }

  open(): void {
    this.opened = true;
    this.release();
  }
}

/** Gates by name, created on first use from either side. */
export class Gates {
  private readonly gates = new Map<string, Gate>();

  get(name: string): Gate {
    let gate = this.gates.get(name);
    if (!gate) {
      gate = new Gate();
      this.gates.set(name, gate);
    }
    return gate;
  }
}
