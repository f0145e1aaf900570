// tRPC setup: the context (database, engine), procedures, and the one error formatter that
// turns zod failures into field messages a user can act on.
import { initTRPC } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Engine } from '../db/engine.ts';
import { INTERNAL_MESSAGE, PublicError } from './query-error.ts';

export interface Context {
  engine: Engine;
  /** The clock for time-dependent answers (case traffic lights); defaults to the real one. */
  now?: () => Date;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    // unexpected failures (a raw driver error carries its SQL) never reach the client as they are
    const hidden = error.code === 'INTERNAL_SERVER_ERROR' && !(error instanceof PublicError);
    return {
      ...shape,
      message: zod ? describeZod(error.cause as ZodError) : hidden ? INTERNAL_MESSAGE : shape.message,
      data: { ...shape.data, stack: undefined, fieldErrors: zod?.fieldErrors ?? null, formErrors: zod?.formErrors ?? null },
    };
  },
});

function describeZod(err: ZodError): string {
  return `Invalid input: ${err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`;
}

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
