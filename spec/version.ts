/** podnet's version: `podnet --version`, results.json `tool.version`. Equal to package.json's (a test checks). */
export const PODNET_VERSION = '0.1.0';
