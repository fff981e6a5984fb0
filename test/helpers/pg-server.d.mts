export declare const PASSWORD: string;
export declare function postgresBin(): string;
export interface PostgresServer {
  port: number;
  base: string;
  url(database?: string): string;
  stop(): void;
}
export declare function startPostgres(): Promise<PostgresServer>;
