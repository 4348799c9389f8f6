/** Python name scopes: function locals chained to their defining scope, then module globals. */
import type { Value } from './values';

export class Scope {
  readonly vars = new Map<string, Value>();
  /** Names declared `global` in this (function) scope. */
  readonly globalNames = new Set<string>();
  /** Inside a method: `self` and the class that defined the method (for super()). */
  method?: { self: import('./values').InstanceValue; cls: import('./values').ClassValue };

  constructor(readonly parent: Scope | null) {}

  get module(): Scope {
    let s: Scope = this;
    while (s.parent) s = s.parent;
    return s;
  }

  lookup(name: string): Value | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  assign(name: string, value: Value): void {
    if (this.globalNames.has(name)) this.module.vars.set(name, value);
    else this.vars.set(name, value);
  }

}
