/** Node state: the commands to run on a node and the one parser of their output. */
export { collectRawNodeState } from './nodeStateCommands.ts';
export { parseNodeState } from './parseNodeState.ts';
