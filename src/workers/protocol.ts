/** Messages between the pool and its workers. */
export type ToWorker<Init, Task> = { type: 'init'; init: Init } | { type: 'task'; task: Task };

export type FromWorker<Msg> = { type: 'message'; message: Msg } | { type: 'done' } | { type: 'error'; error: string };
