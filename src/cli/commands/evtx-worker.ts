/** The worker side of `evtx dump --threads N`: one file or chunk range per task, text and warnings posted in order. */
import { serveTasks } from '../../workers/serve.js';
import { dumpFile, type DumpMessage, type DumpTask } from './evtx-dump.js';

serveTasks<null, DumpTask, DumpMessage>(() => (task, post) => dumpFile(task, post));
