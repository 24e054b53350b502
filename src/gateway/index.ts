export { startGateway, type Gateway } from './server';
export { type GatewayOptions, GATEWAY_DEFAULTS, GATEWAY_ENV } from './options';
export { type GatewayToken, parseTokens } from './tokens';
export type { GatewayCounters } from './counters';
