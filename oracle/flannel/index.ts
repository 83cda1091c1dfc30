/** The flannel oracle: net-conf validation, lease invariants, expected node state and its comparison. */

export { UDP_DEFAULT_PORT, VXLAN_DEFAULT_VNI, VXLAN_KERNEL_DEFAULT_PORT } from './backendConfig.ts';
export { flannelMtu, UDP_OVERHEAD, VXLAN_OVERHEAD } from './backendMtu.ts';
export { type CheckLeasesOptions, checkLeases, KCM_DEFAULT_NODE_MASK_IPV4 } from './checkLeases.ts';
export { type CompareOptions, compareNodeState } from './compareNodeState.ts';
export { type ExpectedLeasesOptions, expectedLeasesInOrder } from './expectedLeasesInOrder.ts';
export { DEFAULT_AGENT_OPTIONS, expectedNodeState, expectedNodeStates } from './expectedNodeState.ts';
export { forwardRules, masqueradeRules } from './masqueradeRules.ts';
export { type NetConfSummary, netConfSummary, netConfSummaryLines } from './netConfSummary.ts';
export {
  BACKEND_DEFAULT_NOTE,
  type ParseNetConfOptions,
  type ParseNetConfResult,
  parseNetConf,
} from './parseNetConf.ts';
export {
  annotationKeyPrefix,
  announcedVtepMac,
  DEFAULT_ANNOTATION_PREFIX,
  withAnnouncedVtepMacs,
} from './vtepMac.ts';
