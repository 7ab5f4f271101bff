/** The remedy flag of every legacy-value mapping (decision 014): a leaf module, imported by each mapping's file. */
export const LEGACY_VALUES_FLAG = '--legacy-values=map';
