/** The flannel oracle: net-conf validation, lease invariants, expected node state and its comparison. */

export { checkLeases, KCM_DEFAULT_NODE_MASK_IPV6 } from './checkLeases.ts';
export { compareNodeState } from './compareNodeState.ts';
export { expectedNodeState } from './expectedNodeState.ts';
export {
  DEFAULT_FLANNEL_VERSION,
  isNewerThanKnown,
  parseFlannelVersion,
} from './flannelVersion.ts';
export { parseNetConf } from './parseNetConf.ts';
export { withAnnouncedVtepMacs } from './vtepMac.ts';
