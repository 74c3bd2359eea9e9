/**
 * A hunt worker thread: compiles the rules once from the settings it is given, then hunts the tasks it is sent.
 * Warnings, findings and correlation inputs go back to the main thread as messages (protocol.ts).
 */
import { loadMapping } from '../sources/rule-files.js';
import { serveTasks } from '../workers/serve.js';
import { compileHuntRules, HuntEngine } from './engine.js';
import type { HuntMessage, HuntSettings, HuntTask } from './protocol.js';

serveTasks<HuntSettings, HuntTask, HuntMessage>((settings) => {
  const { ruleSet } = compileHuntRules(settings, loadMapping(settings.mappingFile));
  const engine = new HuntEngine(settings, ruleSet);
  return (task, post) => engine.run(task, post);
});
