import { z } from 'zod';

export const conditionTypes = ['Ready', 'Progressing', 'Degraded'] as const;
export type ConditionType = (typeof conditionTypes)[number];

const condition = z.object({
  type: z.enum(conditionTypes),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
  message: z.string().max(32768),
  lastTransitionTime: z.string().meta({ format: 'date-time' }),
  observedGeneration: z.int().min(0).optional(),
});

const workload = z.object({
  replicas: z.int().min(0).describe('Replicas asked for.'),
  readyReplicas: z.int().min(0).describe('Replicas ready and running the current version.'),
  ready: z.boolean(),
});

/** What the operator reports; also the CRD's status schema. */
export const shopStackStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional().describe('The generation this status describes.'),
  version: z.string().optional().describe('Version that is fully rolled out.'),
  readyServices: z.string().optional().describe('Ready workloads out of all, e.g. "8/10".'),
  conditions: z
    .array(condition)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
  services: z.record(z.string(), workload).optional().describe('Readiness of each service, Postgres and Redis.'),
  restore: z
    .object({
      backup: z.string(),
      phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed']),
      startTime: z.string().meta({ format: 'date-time' }).optional(),
      completionTime: z.string().meta({ format: 'date-time' }).optional(),
      reason: z.string().optional(),
      message: z.string().max(4096).optional(),
    })
    .optional()
    .describe('The restore from spec.restore.from.backup: services start only once it has Succeeded.'),
  backup: z
    .object({
      lastScheduleTime: z.string().meta({ format: 'date-time' }).optional().describe('The last scheduled run taken.'),
      nextScheduleTime: z.string().meta({ format: 'date-time' }).optional(),
    })
    .optional()
    .describe('The backup schedule (spec.backup.schedule).'),
});

export type ShopStackStatus = z.infer<typeof shopStackStatusSchema>;
export type Condition = z.infer<typeof condition>;
export type WorkloadStatus = z.infer<typeof workload>;
export type RestoreStatus = NonNullable<ShopStackStatus['restore']>;
export type BackupScheduleStatus = NonNullable<ShopStackStatus['backup']>;
