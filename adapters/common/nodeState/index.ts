/** Node state: the commands to run on a node and the one parser of their output. */
export {
  collectRawNodeState,
  NODE_STATE_COMMANDS,
  type NodeCommandRunner,
  type RawCommandField,
  type RawNodeState,
  SUBNET_ENV_PATH,
} from './nodeStateCommands.ts';
export { parseNodeState } from './parseNodeState.ts';
export { parseSubnetEnv } from './parseSubnetEnv.ts';
