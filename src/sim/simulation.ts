/**
 * The simulation kernel: a clock in integer nanoseconds, the event queue, and the process scheduler.
 *
 * Like SimPy's Environment, but processes yield plain numbers for the common cases (see process.ts), and the
 * queue is a typed-array heap, so the steady state allocates nothing per event.
 */
import { EventQueue } from "./event-queue";
import { condition, SimEvent } from "./events";
import { EventFailure, InvariantViolation, LockMisuse, ProcessFailure } from "./invariant";
import { MeasurementWindow, type Measured } from "./measurement";
import { describeLock, heldAtExit, type Holdable } from "./ownership";
import {
  CONTINUE as CONTINUE_EXPORT,
  DONE as DONE_EXPORT,
  Interrupt,
  PARK as PARK_EXPORT,
  Process,
  ProcessState,
  type Machine,
  type ProcessBody,
  type StepFn,
  type Waitable,
  type Yielded,
} from "./process";
import { Trace } from "./trace";

/** Event priorities: at equal times, lower runs first; at equal priority, insertion order decides. */
export const Priority = {
  /** Interrupts and process starts. */
  Urgent: 0,
  /** Timeouts, wake-ups. */
  Normal: 1,
} as const;
// Local copies: `Priority.Normal` (or an imported constant) compiles to a property load through `exports` on every
// use, in the hot loop too.
const URGENT = 0;
const NORMAL = 1;
const CONTINUE = CONTINUE_EXPORT;
const PARK = PARK_EXPORT;
const DONE = DONE_EXPORT;

export interface RunOptions {
  /** Stop before processing any event at or after this time (ns); the clock is then set to it. */
  until?: number;
  /** Stop after the first event at which this returns true. Checked after every event, so keep it cheap. */
  stopWhen?: () => boolean;
  /** Stop after this many events (a guard against runaway models). */
  maxEvents?: number;
}

export interface MeasuredRunOptions extends Omit<RunOptions, "until"> {
  /** Simulated time run before the window opens, ns (integer >= 0); nothing recorded in it is kept. */
  warmupNs: number;
  /** The measured span after the warm-up, ns (integer > 0). */
  durationNs: number;
}

export interface SimulationOptions {
  /** Record a trace of primitive operations (small runs only). */
  trace?: boolean | Trace;
}

export class Simulation {
  /** Current simulated time, integer nanoseconds. */
  now = 0;
  /** Events processed so far. */
  eventCount = 0;
  /** The process whose body is running (or ran last, between events; null while a callback runs). */
  current: Process | null = null;
  /** The trace, when enabled; primitives record into it only when it is set. */
  readonly trace: Trace | null;
  /** The measurement window every registered statistic shares (see measurement.ts and `runMeasured`). */
  readonly window = new MeasurementWindow();

  private readonly queue = new EventQueue();
  private readonly procs: Array<Process<any> | null> = [];
  /**
   * Queue key of each process slot's one live entry; an entry popped with another key is stale (left behind by an
   * interrupt). A typed array, not a Process field, so the per-event check and store stay unboxed.
   */
  private liveKeys = new Float64Array(64);
  private readonly freeSlots: number[] = [];
  private readonly callbacks: Array<(() => void) | null> = [];
  private readonly callbackKeys: number[] = [];
  private readonly freeCallbacks: number[] = [];
  private stopRequested = false;
  /** Failed events and processes that nothing handled yet, with when they failed; checked after the current event. */
  private unhandled: Array<{ source: SimEvent<any> | Process<any>; atNs: number }> = [];
  /** Locks registered for the held-at-exit check (asked only when a process ends with locksHeld != 0). */
  private readonly locks: Holdable[] = [];

  constructor(options: SimulationOptions = {}) {
    this.trace = options.trace === true ? new Trace() : options.trace ? options.trace : null;
  }

  /** Records into the trace if one is enabled. */
  record(who: string, what: string, on = ""): void {
    if (this.trace) this.trace.record(this.now, who, what, on);
  }

  /**
   * Starts a process at the current time (after events already due now). `body` is a generator, or a function
   * that receives the new process (a task's `current`, which it passes to the primitives it locks) and returns one.
   */
  spawn<R>(name: string, body: ProcessBody<R> | ((self: Process<R>) => ProcessBody<R>)): Process<R> {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.procs.length;
    const p = new Process<R>(this, name, slot);
    p.body = typeof body === "function" ? body(p) : body;
    return this.start(p, slot);
  }

  /**
   * Starts a process written as a state machine (see Machine in process.ts): `make(self)` returns its step function,
   * or a Machine with a step and an error handler. Same scheduling as `spawn`, without a generator's cost per
   * resumption: for the hot paths of primitives and benchmarks; generators stay the readable way for scenarios.
   */
  spawnMachine<R>(name: string, make: (self: Process<R>) => StepFn<R> | Machine<R>): Process<R> {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.procs.length;
    const p = new Process<R>(this, name, slot);
    const m = make(p);
    p.machine = typeof m === "function" ? { step: m } : m;
    return this.start(p, slot);
  }

  private start<R>(p: Process<R>, slot: number): Process<R> {
    this.procs[slot] = p;
    // Keys are unique, so entries left for an earlier process in this slot stay stale.
    if (slot >= this.liveKeys.length) {
      const grown = new Float64Array(this.liveKeys.length * 2);
      grown.set(this.liveKeys);
      this.liveKeys = grown;
    }
    this.queue.insert(this.now, URGENT, slot);
    this.liveKeys[slot] = this.queue.insertedKey;
    return p;
  }

  /** Schedules `process` (parked on a primitive or waitable) to resume now with `value`. */
  wake(process: Process<any>, value?: unknown): void {
    const state = process.state;
    if (state === ProcessState.Done) return;
    if (state === ProcessState.Scheduled || state === ProcessState.Sleeping) {
      throw new Error(`wake('${process.name}') at t=${this.now} ns: it is not parked (woken twice?)`);
    }
    process.resumeValue = value;
    process.waitingOn = null;
    process.state = ProcessState.Scheduled;
    this.queue.insert(this.now, NORMAL, process.slot);
    this.liveKeys[process.slot] = this.queue.insertedKey;
  }

  /** Like `wake`, but the process resumes `delayNs` later (a lock hand-off that takes a cache-line transfer). */
  wakeAfter(process: Process<any>, delayNs: number, value?: unknown): void {
    if (delayNs === 0) return this.wake(process, value);
    const state = process.state;
    if (state === ProcessState.Done) return;
    if (state === ProcessState.Scheduled || state === ProcessState.Sleeping || !(delayNs > 0)) {
      throw new Error(`wakeAfter('${process.name}', ${delayNs}) at t=${this.now} ns: not parked, or a bad delay`);
    }
    process.resumeValue = value;
    process.waitingOn = null;
    process.state = ProcessState.Scheduled;
    this.queue.insert(this.now + delayNs, NORMAL, process.slot);
    this.liveKeys[process.slot] = this.queue.insertedKey;
  }

  /** Throws Interrupt(cause) into `process` now, withdrawing any sleep or subscription it has. */
  interrupt(process: Process<any>, cause: unknown): void {
    if (process.state === ProcessState.Done) {
      throw new Error(`cannot interrupt '${process.name}' at t=${this.now} ns: it has finished`);
    }
    if (process === this.current && process.state === ProcessState.Running) {
      throw new Error(`process '${process.name}' cannot interrupt itself`);
    }
    if (process.waitingOn) process.waitingOn.unsubscribe(process);
    process.waitingOn = null;
    process.pendingThrow = new Interrupt(cause);
    process.state = ProcessState.Scheduled;
    this.queue.insert(this.now, URGENT, process.slot);
    this.liveKeys[process.slot] = this.queue.insertedKey;
  }

  /** Runs `fn` after `delayNs`; returns a handle for `cancel`. */
  schedule(delayNs: number, fn: () => void, priority: number = NORMAL): number {
    if (!(delayNs >= 0)) throw new RangeError(`schedule: delay must be >= 0 ns, got ${delayNs}`);
    const id = this.freeCallbacks.length > 0 ? this.freeCallbacks.pop()! : this.callbacks.length;
    this.callbacks[id] = fn;
    this.queue.insert(this.now + delayNs, priority, ~id);
    this.callbackKeys[id] = this.queue.insertedKey;
    return id;
  }

  /** Cancels a callback from `schedule` that has not run yet. */
  cancel(handle: number): void {
    if (this.callbacks[handle]) {
      this.callbacks[handle] = null;
      this.callbackKeys[handle] = -1;
      this.freeCallbacks.push(handle);
    }
  }

  /** A new pending event. */
  event<T = unknown>(name?: string): SimEvent<T> {
    return new SimEvent<T>(this, name);
  }

  /** An event that succeeds after `delayNs`. */
  timeout<T = undefined>(delayNs: number, value?: T): SimEvent<T> {
    const ev = new SimEvent<T>(this, `timeout(${delayNs})`);
    this.schedule(delayNs, () => ev.succeed(value as T));
    return ev;
  }

  /** Fires when every source is done (the value lists their values); fails as soon as one fails. */
  allOf(sources: Array<SimEvent<any> | Process<any>>): SimEvent<unknown[]> {
    return condition(this, sources, true, "allOf");
  }

  /** Fires when the first source is done; fails if a source fails first. */
  anyOf(sources: Array<SimEvent<any> | Process<any>>): SimEvent<unknown[]> {
    return condition(this, sources, false, "anyOf");
  }

  /**
   * Registers a lock: its statistics join the measurement window, and a process that ends holding it is named with
   * it. Primitives call this once, in their constructor.
   */
  registerLock(lock: Holdable): void {
    this.locks.push(lock);
    if (lock.stats) this.measure(lock.stats);
  }

  /**
   * @internal A failure nothing has handled yet: after the current event, it fails the run unless it was defused
   * meanwhile (a process began waiting on it, or the model set `defused`).
   */
  checkHandled(source: SimEvent<any> | Process<any>): void {
    if (this.unhandled.push({ source, atNs: this.now }) === 1) this.schedule(0, () => this.throwUnhandled(), URGENT);
  }

  private throwUnhandled(): void {
    const list = this.unhandled;
    this.unhandled = [];
    for (const { source, atNs } of list) {
      if (source.defused) continue;
      if (source instanceof Process) throw new ProcessFailure(source.name, atNs, source.error);
      throw new EventFailure(source.name, atNs, source.error);
    }
  }

  /**
   * Registers a statistic with the measurement window: it is reset when the window opens, so nothing it recorded
   * during the warm-up is kept. Returns the statistic: `const waitNs = sim.measure(new Histogram("wait ns"))`.
   */
  measure<T extends Measured>(stat: T): T {
    return this.window.register(stat);
  }

  /**
   * Runs the warm-up, opens the measurement window (every registered statistic forgets the warm-up at once, before
   * any event at the window's start runs), then runs the measured span; returns the window ([startNs, endNs)).
   * When `stopWhen`, `maxEvents` or `stop()` ends the run during the warm-up, the window stays closed.
   */
  runMeasured(options: MeasuredRunOptions): MeasurementWindow {
    const { warmupNs, durationNs, ...rest } = options;
    if (!(Number.isInteger(warmupNs) && warmupNs >= 0))
      throw new RangeError(`runMeasured: warmupNs must be an integer >= 0 (ns), got ${warmupNs}`);
    if (!(Number.isInteger(durationNs) && durationNs > 0))
      throw new RangeError(`runMeasured: durationNs must be an integer > 0 (ns), got ${durationNs}`);
    const startNs = this.now + warmupNs;
    const endNs = startNs + durationNs;
    this.window.plan(startNs, endNs);
    if (warmupNs > 0) {
      this.run({ ...rest, until: startNs });
      if (this.now < startNs) return this.window;
    }
    this.window.open(this.now);
    this.run({ ...rest, until: endNs });
    return this.window;
  }

  /** Asks `run` to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Number of processes alive (a memory check: this must not grow with simulated time in a steady model). */
  get liveProcesses(): number {
    return this.procs.length - this.freeSlots.length;
  }

  /** Entries the event queue has held at most; bounded by the model's concurrency, not by time. */
  get queueCapacity(): number {
    return this.queue.capacity;
  }

  /**
   * Processes events until the queue empties, `until` is reached, `stopWhen` holds, or `stop()` is called.
   *
   * A process whose body throws fails: the error is thrown into every process joined to it and passed to the
   * conditions over it; when nothing handles it, the run stops with a ProcessFailure naming the process and the time.
   * Model bugs the engine or a primitive detects (InvariantViolation, LockMisuse, a bad yield) always stop the run.
   */
  run(options: RunOptions = {}): void {
    const until = options.until ?? Infinity;
    const stopWhen = options.stopWhen;
    const lastEvent = this.eventCount + (options.maxEvents ?? Infinity);
    this.stopRequested = false;
    let reachedUntil = false;
    for (;;) {
      try {
        reachedUntil = this.loop(until, stopWhen, lastEvent);
        break;
      } catch (e) {
        const p = this.current;
        this.current = null;
        if (
          e instanceof InvariantViolation ||
          e instanceof ProcessFailure ||
          e instanceof LockMisuse ||
          e instanceof EventFailure
        )
          throw e;
        if (p === null || p.state !== ProcessState.Running) {
          throw new ProcessFailure(p ? p.name : "(scheduled callback)", this.now, e);
        }
        this.failProcess(p, e);
        if (this.stopRequested || (stopWhen !== undefined && stopWhen()) || this.eventCount >= lastEvent) break;
      }
    }
    this.current = null;
    if (this.unhandled.length > 0) this.throwUnhandled();
    if (reachedUntil && until !== Infinity && this.now < until) this.now = until;
  }

  /**
   * The event loop. The common case (a process yields a delay) is inlined; everything else goes to `resumeSlow`.
   * Returns true when it ran out of events before `until`, false when stopped early.
   */
  private loop(until: number, stopWhen: (() => boolean) | undefined, lastEvent: number): boolean {
    const queue = this.queue;
    const procs = this.procs;
    while (queue.size > 0) {
      const t = queue.peekTime();
      if (t >= until) break;
      const target = queue.popTarget();
      const key = queue.lastKey;
      if (target >= 0) {
        const p = procs[target]!;
        // Not cached across iterations: spawn() may grow the array.
        if (this.liveKeys[target] !== key) continue; // stale: left behind by an interrupt
        let now = t;
        this.now = t;
        this.eventCount++;
        this.current = p;
        p.state = ProcessState.Running;
        const m = p.machine;
        if (m !== null) {
          // A state machine: the same loop as below, with step() returning the yield directly.
          let y: unknown;
          if (p.pendingThrow === undefined) {
            const v = p.resumeValue;
            p.resumeValue = undefined;
            y = m.step(p, v);
          } else {
            y = this.throwIntoStep(p);
          }
          for (;;) {
            if (typeof y === "number" && y >= 0 && Math.floor(y) === y) {
              const wake = now + y;
              if (
                wake < queue.peekTime() &&
                wake < until &&
                !this.stopRequested &&
                this.eventCount < lastEvent &&
                (stopWhen === undefined || !stopWhen())
              ) {
                now = wake;
                this.now = wake;
                this.eventCount++;
                y = m.step(p, undefined);
                continue;
              }
              p.state = ProcessState.Sleeping;
              queue.insert(wake, NORMAL, target);
              this.liveKeys[target] = queue.insertedKey;
              break;
            }
            if (y === CONTINUE) {
              y = m.step(p, undefined);
              continue;
            }
            if (y === PARK) {
              if (p.state === ProcessState.Running) p.state = ProcessState.Parked;
              break;
            }
            if (y === DONE) {
              this.retire(p, p.result);
              break;
            }
            y = this.stepSlow(p, y);
          }
        } else {
          let r: IteratorResult<unknown, unknown> | null;
          if (p.pendingThrow === undefined) {
            const v = p.resumeValue;
            p.resumeValue = undefined;
            r = p.body.next(v);
          } else {
            r = this.throwInto(p);
          }
          for (;;) {
            if (r.done) {
              this.retire(p, r.value);
              break;
            }
            const y = r.value;
            // Time is integer ns: a fractional delay is refused (in resumeSlow), not rounded silently.
            if (typeof y === "number" && y >= 0 && Math.floor(y) === y) {
              const wake = now + y;
              // Direct continuation: when this wake-up would be the very next event (strictly earlier than anything
              // queued, so no tie-break is involved), run it now instead of pushing and popping it. Same order, same
              // results; the end-of-event checks below are the ones the outer loop would make.
              if (
                wake < queue.peekTime() &&
                wake < until &&
                !this.stopRequested &&
                this.eventCount < lastEvent &&
                (stopWhen === undefined || !stopWhen())
              ) {
                now = wake;
                this.now = wake;
                this.eventCount++;
                r = p.body.next(undefined);
                continue;
              }
              p.state = ProcessState.Sleeping;
              queue.insert(wake, NORMAL, target);
              this.liveKeys[target] = queue.insertedKey;
              break;
            }
            r = this.resumeSlow(p, y);
            if (r === null) break;
          }
        }
        // `current` is left pointing at p (not reset per event: a store saved on the hot path); callbacks clear it.
      } else {
        const id = ~target;
        if (this.callbackKeys[id] !== key) continue;
        const fn = this.callbacks[id]!;
        this.callbacks[id] = null;
        this.freeCallbacks.push(id);
        this.now = t;
        this.eventCount++;
        this.current = null;
        fn();
      }
      if (this.stopRequested || (stopWhen !== undefined && stopWhen())) return false;
      if (this.eventCount >= lastEvent) return false;
    }
    return true;
  }

  private throwInto(p: Process<any>): IteratorResult<unknown, unknown> {
    const e = p.pendingThrow;
    p.pendingThrow = undefined;
    return p.body.throw(e);
  }

  /** An error thrown into a state machine: its handler decides, or the process fails with it. */
  private throwIntoStep(p: Process<any>): Yielded {
    const e = p.pendingThrow;
    p.pendingThrow = undefined;
    const m = p.machine!;
    if (m.fail === undefined) throw e;
    return m.fail(p, e);
  }

  /** resumeSlow for a state machine: a Waitable (or a bad yield). Returns the next yield, PARK when it now waits. */
  private stepSlow(p: Process<any>, y: unknown): Yielded {
    if (typeof y === "number") throw this.badYield(p, y);
    const w = y as Waitable;
    if (w === null || typeof w !== "object" || typeof w.subscribe !== "function") throw this.badYield(p, y);
    if (w.subscribe(p)) {
      if (p.pendingThrow !== undefined) return this.throwIntoStep(p);
      const v = p.resumeValue;
      p.resumeValue = undefined;
      return p.machine!.step(p, v);
    }
    p.waitingOn = w;
    if (p.state === ProcessState.Running) p.state = ProcessState.Parked;
    return PARK;
  }

  private badYield(p: Process<any>, y: unknown): ProcessFailure {
    const why =
      typeof y === "number"
        ? y > 0 && Number.isFinite(y)
          ? new RangeError(`yielded ${y}: time is integer nanoseconds; round the delay (Math.round, roundNs)`)
          : new RangeError(`yielded ${y}: a delay must be an integer >= 0 ns (or CONTINUE/PARK from a primitive)`)
        : new TypeError(`yielded ${String(y)}: expected a delay in ns, CONTINUE, PARK, an event or a process`);
    return new ProcessFailure(p.name, this.now, why);
  }

  /**
   * Handles a yield other than a delay: CONTINUE resumes at once, PARK leaves the process to the primitive that
   * queued it, a Waitable subscribes. Returns the body's next result, or null when the process now waits.
   */
  private resumeSlow(p: Process<any>, y: unknown): IteratorResult<unknown, unknown> | null {
    if (typeof y === "number") {
      if (y === CONTINUE) return p.body.next(undefined);
      if (y === PARK) {
        if (p.state === ProcessState.Running) p.state = ProcessState.Parked;
        return null;
      }
      throw this.badYield(p, y);
    }
    const w = y as Waitable;
    if (w === null || typeof w !== "object" || typeof w.subscribe !== "function") throw this.badYield(p, y);
    if (w.subscribe(p)) {
      if (p.pendingThrow !== undefined) return this.throwInto(p);
      const v = p.resumeValue;
      p.resumeValue = undefined;
      return p.body.next(v);
    }
    p.waitingOn = w;
    if (p.state === ProcessState.Running) p.state = ProcessState.Parked;
    return null;
  }

  private retire(p: Process<any>, value: unknown): void {
    if (p.locksHeld !== 0) throw this.heldAtExit(p);
    this.liveKeys[p.slot] = -1;
    p.finish(value);
    this.freeSlots.push(p.slot);
  }

  /** A body threw: the process ends failed, its joiners and conditions get the error (see run). */
  private failProcess(p: Process<any>, error: unknown): void {
    if (p.locksHeld !== 0) throw this.heldAtExit(p, error);
    this.liveKeys[p.slot] = -1;
    if (this.trace) this.record(p.name, "failed");
    const handled = p.fail(error);
    this.freeSlots.push(p.slot);
    if (!handled) this.checkHandled(p);
  }

  private heldAtExit(p: Process<any>, failure?: unknown): LockMisuse {
    const held: string[] = [];
    for (const l of this.locks) if (l.isHeldBy(p)) held.push(describeLock(l));
    return heldAtExit(p, held, failure);
  }
}
