/** ECS service, Service Connect DNS label and the prefix of ALB/target-group names. */
export const SERVER_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
/**
 * Target groups are autonamed `<server>-tg-<7 hex>` and must stay within AWS's 32 characters,
 * so a server name may have at most 32 - "-tg".length - 8 = 21 characters.
 */
export const MAX_SERVER_NAME_LENGTH = 21;
