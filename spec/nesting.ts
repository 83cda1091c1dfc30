/**
 * How deeply a parsed document nests, measured without recursion, so a hostile file (100,000 nested
 * lists) is refused by name instead of overflowing the stack of whatever walks it next.
 */

/** Deepest nesting any input may have; Kubernetes objects stay well under 30 levels. */
export const MAX_NESTING_DEPTH = 200;

/** Whether `value` nests (lists and mappings inside each other) deeper than `limit` levels. */
export function nestsDeeperThan(value: unknown, limit = MAX_NESTING_DEPTH): boolean {
  const stack: { readonly node: unknown; readonly depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}

/** Whether an error is a stack overflow (a parser recursing through a deeply nested input). */
export function isStackOverflow(error: unknown): boolean {
  return (
    error instanceof RangeError || /Maximum call stack size exceeded/.test(String((error as Error)?.message))
  );
}
