/** The shared state of one scenario run (bindings and lazily created systems). */
import type { Runtime } from '../core/runtime.ts';
import type { ScenarioDoc, ScenarioWorld } from './types.ts';

export class World implements ScenarioWorld {
  readonly bindings = new Map<string, unknown>();
  private readonly systems = new Map<string, unknown>();

  constructor(
    readonly rt: Runtime,
    readonly doc: ScenarioDoc,
  ) {}

  system<T>(name: string, make: () => T): T {
    if (!this.systems.has(name)) this.systems.set(name, make());
    return this.systems.get(name) as T;
  }

  /** A system's state if it exists (views and tests inspect it without creating it). */
  peekSystem<T>(name: string): T | undefined {
    return this.systems.get(name) as T | undefined;
  }
}
