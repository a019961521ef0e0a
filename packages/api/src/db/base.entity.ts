import { defineEntity, p } from '@mikro-orm/core';
import { uuidv7 } from './uuid.ts';

/**
 * Id and timestamps every table shares. The id is a UUID v7 made by the application, not a database
 * sequence: an entity has its id as soon as `em.create()` returns (relations and audit entries can point at
 * it before the flush), ids in URLs and exports reveal neither counts nor neighbours, and being
 * time-ordered they keep B-tree inserts local and make a usable keyset-pagination order.
 */
export const BaseSchema = defineEntity({
  name: 'BaseEntity',
  abstract: true,
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => uuidv7()),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export abstract class BaseEntity extends BaseSchema.class {}

BaseSchema.setClass(BaseEntity);
