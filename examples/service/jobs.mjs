import * as rapyer from '../../dist/esm/index.js';
import { Job, JobBoard } from './models.mjs';

export const board = new JobBoard({ name: 'main' });

/** Creates the board (asave never writes a priority queue, so a second start keeps the jobs). */
export const openBoard = () => board.asave();

/** Stores a job and queues its id; resolves to the id. */
export async function enqueue(kind, payload, priority) {
  const job = new Job({ kind, payload });
  await rapyer.apipeline(async () => {
    await Job.ainsert(job);
    await board.queue.apush(job.pk, priority);
  });
  return job.pk;
}

/** Runs `count` workers until `stop()`; a worker finishes the job it holds before it stops. */
export function startWorkers(count, onError = (e) => console.error('worker:', e)) {
  let stopping = false;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function work(name) {
    while (!stopping) {
      try {
        const id = await board.queue.apop();
        if (id === null) {
          await sleep(5);
          continue;
        }
        const job = await Job.aget(id);
        // "Running" the job is recording it: once, in one script with its TTL refresh.
        await job.apipeline((m) => {
          m.runs.iadd(1);
          m.worker.value = name;
        });
      } catch (e) {
        onError(e);
        await sleep(50);
      }
    }
  }
  const loops = Array.from({ length: count }, (_, i) => work(`w${i}`));
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
