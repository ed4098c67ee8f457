import { z } from 'zod';

const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label')
  .max(40);
const quantity = z
  .string()
  .regex(/^([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[kMGTPE])?$/, 'must be a size such as 512Mi or 2Gi');

/** What a user (or the schedule) asks for: a backup of one ShopStack's managed database. */
export const backupSpecSchema = z
  .object({
    shopStack: dnsLabel.describe('The ShopStack in this namespace whose database is backed up.'),
    storage: quantity
      .optional()
      .describe("Size of this backup's volume; the ShopStack's spec.backup.storage (default 1Gi) when unset."),
    storageClassName: z
      .string()
      .optional()
      .describe("Storage class of this backup's volume; the ShopStack's spec.backup.storageClassName when unset."),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'self == oldSelf', message: 'a backup spec cannot be changed; create another backup' },
    ],
  });

export const backupPhases = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;
export type BackupPhase = (typeof backupPhases)[number];

/** What the operator reports about one backup. */
export const backupStatusSchema = z.object({
  phase: z.enum(backupPhases).optional(),
  startTime: z.string().meta({ format: 'date-time' }).optional().describe('When the dump started.'),
  completionTime: z.string().meta({ format: 'date-time' }).optional().describe('When the backup succeeded or failed.'),
  size: z.string().optional().describe('Size of the dumps on the volume, e.g. 1.2Mi.'),
  sizeBytes: z.int().min(0).optional(),
  databases: z.array(z.string()).optional().describe('The databases dumped, one file each.'),
  volumeClaim: z.string().optional().describe('The PersistentVolumeClaim holding the dumps.'),
  reason: z.string().optional().describe('Why the backup failed, as a CamelCase word.'),
  message: z.string().max(4096).optional().describe('What failed, in words (the end of the dump log).'),
});

export type BackupSpec = z.infer<typeof backupSpecSchema>;
export type BackupStatus = z.infer<typeof backupStatusSchema>;
