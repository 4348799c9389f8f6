/** functools.partial: a callable that prepends fixed arguments, as Python's does. */
import type { SyntaxNode } from '@lezer/common';
import { callValue } from './calls';
import type { Interpreter } from './interpreter';
import { typeName, unknown, Value } from './values';

/**
 * partial(func, *args, **keywords)(*more, **more_keywords) is
 * func(*args, *more, **{**keywords, **more_keywords}): later keywords override earlier ones.
 */
export function makePartial(it: Interpreter, args: Value[], kwargs: Map<string, Value>): Value {
  const [func, ...fixed] = args;
  if (!func) return unknown('partial() without a function');
  const name = func.t === 'module' ? func.path.split('.').pop()! : func.t === 'builtin' || func.t === 'func' || func.t === 'class' ? func.name : typeName(func);
  return {
    t: 'builtin',
    // Not the wrapped name: partial(leaky_relu, alpha=0.1) is not leaky_relu.
    name: `partial(${name})`,
    call: (more, moreKwargs, site: SyntaxNode) => callValue(it, func, [...fixed, ...more], new Map([...kwargs, ...moreKwargs]), site),
    holds: [func, ...fixed, ...kwargs.values()],
  };
}
