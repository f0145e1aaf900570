// Environment, validated once at start-up (server, db:migrate, db:seed) with a readable list of problems.
import { z } from 'zod';
import { ConfigError } from './config-error.ts';

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int('PORT must be a whole number').min(0).max(65535, 'PORT must be at most 65535').default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  CITYGRID_DATA_DIR: z.string().min(1).optional(),
  CITYGRID_SEED: z.coerce.number().int().optional(),
  /** Skip seeding an empty database (an empty console). */
  CITYGRID_NO_SEED: z.enum(['0', '1']).optional(),
  /** Seconds between escalation passes (server/dispatch/escalation.ts); 0 turns the scheduler off. */
  CITYGRID_ESCALATION_SECONDS: z.coerce.number({ message: 'CITYGRID_ESCALATION_SECONDS is a number of seconds (0 turns escalation off)' }).int().min(0).max(86_400).default(30),
  /** demo (default): demo accounts per role with documented passwords. production: demo accounts are refused, cookies are Secure (serve behind HTTPS). */
  CITYGRID_MODE: z.enum(['demo', 'production'], { message: "CITYGRID_MODE must be 'demo' or 'production'" }).default('demo'),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (for throttling and the audit log). Only set it when a proxy always sets that header. */
  CITYGRID_TRUST_PROXY: z.enum(['0', '1'], { message: "CITYGRID_TRUST_PROXY must be '0' or '1'" }).optional(),
  /** The first administrator's password (first run only); otherwise a one-time password is printed once. */
  CITYGRID_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** Origins an external basemap needs, space-separated (added to the Content-Security-Policy). */
  CITYGRID_CSP_ORIGINS: z
    .string()
    .regex(/^(https?:\/\/[A-Za-z0-9.-]+(:\d+)?)( https?:\/\/[A-Za-z0-9.-]+(:\d+)?)*$/, 'CITYGRID_CSP_ORIGINS lists origins such as https://t0.tianditu.gov.cn, separated by spaces')
    .optional(),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}
