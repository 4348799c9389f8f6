/** Python name scopes: function locals chained to their defining scope, then module globals. */
import type { Value } from './values';

/** What a statement's run read from and wrote to the module scope (watched_statement.ts watches a helper call). */
export interface ModuleAccess {
  /** Module names read, with the value each held when first read. */
  reads: Map<string, Value>;
  /** A function wrote a module name (`global`). */
  wroteGlobal: boolean;
  /** Module names the statement bound, in the order first bound. */
  written: Set<string>;
}

export class Scope {
  readonly vars = new Map<string, Value>();
  /** Names declared `global` in this (function) scope. */
  readonly globalNames = new Set<string>();
  /** Inside a method: `self` and the class that defined the method (for super()). */
  method?: { self: import('./values').InstanceValue; cls: import('./values').ClassValue };

  /** Set on the module scope while a statement is watched; null otherwise (so at every checkpoint). */
  access: ModuleAccess | null = null;

  constructor(readonly parent: Scope | null) {}

  get module(): Scope {
    let s: Scope = this;
    while (s.parent) s = s.parent;
    return s;
  }

  lookup(name: string): Value | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) {
        if (s.access !== null && !s.access.reads.has(name)) s.access.reads.set(name, v);
        return v;
      }
    }
    return undefined;
  }

  assign(name: string, value: Value): void {
    if (this.globalNames.has(name)) {
      const module = this.module;
      if (module.access) module.access.wroteGlobal = true;
      module.vars.set(name, value);
    }
    else {
      this.access?.written.add(name);
      this.vars.set(name, value);
    }
  }

}
