import type { Command } from 'commander';
import type { Context } from '../context';

/**
 * Wraps a command's action: builds its context from the global options, runs it, and keeps its
 * exit code. Commander calls an action with the arguments, the options and the command.
 */
export type Run = <A extends unknown[]>(
  action: (ctx: Context, ...args: A) => Promise<number>,
) => (...args: unknown[]) => Promise<void>;

export type ContextFor = (command: Command) => Context;
