import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError } from '../errors';

/**
 * Validates a body, query or param against a contract schema. The error lists each offending
 * field by path with what was expected; it never echoes the submitted value.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    /** What it validates against; the OpenAPI document names a request body by it. */
    readonly schema: S,
    private readonly what = 'request body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const details = parsed.error.issues.slice(0, 20).map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    throw new DomainError('VALIDATION_FAILED', `invalid ${this.what}: ${summary}`, 400, details);
  }
}
