// /api/v1/stats/recordings: saved captures. Operator only.
import { Hono } from 'hono';
import { z } from 'zod';
import { captureFileSchema, captureMetaSchema, captureSchema } from '../../recorder/capture-schema.js';
import { serializeCapture } from '../../recorder/index.js';
import { captureToCsv } from '../capture-csv.js';
import type { ApiEnv, ApiResource } from '../context.js';
import { framesInRange, framesToCsv, parseFrameRange } from '../frames-export.js';
import { readRecordingImport } from '../recording-import.js';
import { captureIdSchema, recordingPatchSchema, recordingsListSchema } from '../schemas.js';
import { jsonBody, recordingId } from '../validate.js';

const idParam = { id: captureIdSchema };
const rangeQuery = {
  fromMs: z
    .string()
    .describe('ms since the capture was armed (decimal, up to 3 places); frames starting at or after it'),
  toMs: z
    .string()
    .describe('ms since the capture was armed; frames starting before it (greater than fromMs)'),
};
const timelineErrors = {
  400: {
    description: 'an invalid id, or a fromMs/toMs that is not a decimal number of ms, or toMs <= fromMs',
  },
  404: {
    description:
      'no such recording, or the recording has no frame timeline (none was recorded: meta.timeline is null)',
  },
  422: {
    description: 'the recording has a frame timeline (meta.timeline), but its file is missing or damaged',
  },
};

function attachment(filename: string): string {
  return `attachment; filename="${filename}"`;
}

/** '' (or spaces) clears a field, like null. */
function cleared(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  return value.trim() === '' ? null : value.trim();
}

export const recordingsResource: ApiResource = {
  base: '/stats/recordings',
  routes: ({ recorder }) =>
    new Hono<ApiEnv>()
      .get('/', async (c) => c.json(await recorder.listing()))
      .post('/import', async (c) => {
        const { capture, frames, baseId } = await readRecordingImport(c);
        return c.json(await recorder.importCapture(capture, frames, baseId), 201);
      })
      .get('/:id', async (c) => c.json(await recorder.load(recordingId(c))))
      .patch('/:id', async (c) => {
        const id = recordingId(c);
        const patch = await jsonBody(c, recordingPatchSchema);
        return c.json(await recorder.update(id, { name: cleared(patch.name), note: cleared(patch.note) }));
      })
      .delete('/:id', async (c) => {
        await recorder.delete(recordingId(c));
        return c.body(null, 204);
      })
      .get('/:id/export.json', async (c) => {
        const id = recordingId(c);
        const body = serializeCapture(await recorder.load(id));
        c.header('Content-Disposition', attachment(`punktfunk-${id}.json`));
        return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
      })
      .get('/:id/export.csv', async (c) => {
        const id = recordingId(c);
        const body = captureToCsv(await recorder.load(id));
        c.header('Content-Disposition', attachment(`punktfunk-${id}.csv`));
        return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
      })
      .get('/:id/frames', async (c) => {
        const id = recordingId(c);
        const range = parseFrameRange(c.req.query());
        const { frames } = await recorder.loadFrames(id);
        const body = framesInRange(frames.header, frames.records, range);
        return c.body(body, 200, { 'Content-Type': 'application/octet-stream' });
      })
      .get('/:id/frames.csv', async (c) => {
        const id = recordingId(c);
        const range = parseFrameRange(c.req.query());
        const { meta, frames } = await recorder.loadFrames(id);
        c.header('Content-Disposition', attachment(`punktfunk-${id}-frames.csv`));
        return c.body(framesToCsv(meta, frames.records, range), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
        });
      }),
  openapi: {
    '/stats/recordings': {
      get: {
        summary: 'Saved recordings, metadata only, newest first',
        description:
          'A file that does not parse, is not a regular file (a link, FIFO, device) or is larger than 64 MB is skipped (logged, and named in `skipped` with the reason), not an error.',
        responses: { 200: { description: 'list', schema: recordingsListSchema } },
      },
    },
    '/stats/recordings/import': {
      post: {
        summary: 'Import a recording another host exported (export.json, and its frames sidecar)',
        description:
          "multipart/form-data with a part `recording` (the export.json file) and, when the recording has a timeline (meta.timeline), a part `frames` (the `<id>.frames.bin` from GET …/frames); or application/json, the export.json alone, for a recording without a timeline. Checked like a file the host loads: the capture schema, a safe meta.id and texts, and the sidecar (its layout, recordCount = meta.timeline.frames, every record's session index < meta.sessions.length). Saved under a fresh id (never the file's); meta.origin names the host that recorded it and the id it had there. Nothing is recomputed (the verdict stays as exported). Body limit: IMPORT_BODY_MAX_BYTES (64 MB + the largest sidecar + 64 KiB), not the 64 KiB of every other route. A refusal stores nothing.",
        requestContent: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                recording: { type: 'string', format: 'binary', description: 'the export.json file' },
                frames: { type: 'string', format: 'binary', description: 'the <id>.frames.bin sidecar' },
              },
              required: ['recording'],
            },
          },
          'application/json': { schema: z.toJSONSchema(captureFileSchema, { io: 'input' }) },
        },
        responses: {
          201: { description: "the new recording's metadata (meta.origin set)", schema: captureMetaSchema },
          400: { description: 'the recording is not JSON, a part is missing, unknown or sent twice' },
          413: { description: 'the body, the recording (64 MB) or the sidecar is too large' },
          415: { description: 'neither multipart/form-data nor application/json' },
          422: {
            description:
              'not a punktfunk capture, the schema does not match, a hostile id or text, or the sidecar is missing, damaged or does not match the metadata',
          },
        },
      },
    },
    '/stats/recordings/{id}': {
      get: {
        summary: 'One recording: metadata and samples',
        pathParams: idParam,
        responses: { 200: { description: 'the recording', schema: captureSchema } },
      },
      patch: {
        summary: "Set the recording's name and/or note ('' or null clears)",
        pathParams: idParam,
        body: recordingPatchSchema,
        responses: { 200: { description: 'updated metadata', schema: captureMetaSchema } },
      },
      delete: {
        summary: 'Delete a recording',
        pathParams: idParam,
        responses: { 204: { description: 'deleted' } },
      },
    },
    '/stats/recordings/{id}/export.json': {
      get: {
        summary: 'Download as a JSON file (Content-Disposition: attachment)',
        pathParams: idParam,
        responses: { 200: { description: 'the capture file', schema: captureSchema } },
      },
    },
    '/stats/recordings/{id}/export.csv': {
      get: {
        summary:
          'Download as CSV: one row per sample; stages as <stage>_p50_us/<stage>_p99_us; null is empty',
        pathParams: idParam,
        responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
      },
    },
    '/stats/recordings/{id}/frames': {
      get: {
        summary: "The recording's frame timeline: the `<id>.frames.bin` layout (docs/management-api.md)",
        description:
          'A 64-byte header (recordCount = the records returned) and 32-byte records, cut to fromMs/toMs when given.',
        pathParams: idParam,
        query: rangeQuery,
        responses: {
          200: { description: 'header and records', contentType: 'application/octet-stream' },
          ...timelineErrors,
        },
      },
    },
    '/stats/recordings/{id}/frames.csv': {
      get: {
        summary:
          'Download the frame timeline as CSV: one row per frame (t_ms, session, frame_index, <stage>_us, host_us, encoded_bytes, keyframe, repeated)',
        pathParams: idParam,
        query: rangeQuery,
        responses: { 200: { description: 'CSV', contentType: 'text/csv' }, ...timelineErrors },
      },
    },
  },
};
