/** Types of config/loopback.cjs. */
export declare function isLoopback(hostname: string): boolean;
export declare function isLoopbackHost(host: string): boolean;
