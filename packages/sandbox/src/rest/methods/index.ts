import { MethodRegistry } from '../registry.ts';
import { appMethods } from './app.ts';
import { calendarMethods } from './calendar.ts';
import { diskMethods } from './disk.ts';
import { eventMethods } from './events.ts';
import { imMethods } from './im.ts';
import { imChatMethods } from './im-chat.ts';
import { notifyMethods } from './im-notify.ts';
import { imV2Methods } from './im-v2.ts';
import { logMethods } from './log.ts';
import { placementMethods } from './placement.ts';
import { taskCommentMethods } from './task-comments.ts';
import { taskMethods } from './tasks.ts';
import { userMethods } from './user.ts';

/** Every REST method the sandbox implements. */
export function createMethodRegistry(): MethodRegistry {
  return new MethodRegistry()
    .add(userMethods)
    .add(notifyMethods)
    .add(imMethods)
    .add(imChatMethods)
    .add(imV2Methods)
    .add(logMethods)
    .add(taskMethods)
    .add(taskCommentMethods)
    .add(calendarMethods)
    .add(diskMethods)
    .add(eventMethods)
    .add(appMethods)
    .add(placementMethods);
}
