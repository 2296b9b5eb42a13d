import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The one path every write takes. TypeORM's SQLite driver runs every query on one connection, so a write
 * issued while another caller's transaction is open lands inside that transaction (and vanishes if it rolls
 * back), and two transactions open at once nest as savepoints that commit or roll back each other's work.
 * On SQLite each write therefore waits for the one before it. Postgres gives each transaction a pooled
 * connection of its own and handles concurrent writers itself, so there writes pass straight through.
 * Work given to the writer uses only the manager it is handed: calling the writer again from inside would
 * wait on SQLite for itself, forever.
 */
@Injectable()
export class DatabaseWriter {
  private readonly serial: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.serial = db.options.type === 'sqlite';
  }

  /** Statements that need no transaction around them (one insert, one update). */
  write<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.inTurn(() => work(this.db.manager));
  }

  /** Statements that commit together or not at all. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.inTurn(() => this.db.transaction(work));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (!this.serial) return work();
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
