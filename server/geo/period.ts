// A reporting period [from, to) as ISO instants with an offset; shared by tRPC inputs and the
// HTTP layer feeds so both reject the same mistakes with the same messages.
import { z } from 'zod';

export const periodSchema = z
  .object({
    from: z.iso.datetime({ offset: true, message: 'from must be an ISO date-time with offset, e.g. 2022-01-01T00:00:00+08:00' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'to must be an ISO date-time with offset, e.g. 2022-09-01T00:00:00+08:00' }).optional(),
  })
  .refine((p) => !p.from || !p.to || Date.parse(p.from) < Date.parse(p.to), { message: 'from must be before to', path: ['to'] });
