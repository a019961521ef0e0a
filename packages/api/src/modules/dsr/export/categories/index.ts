import type { AnyCategory } from '../category.ts';
import { apiTokens } from './api-tokens.ts';
import { auditEvents } from './audit-events.ts';
import { auditorRole } from './auditor-role.ts';
import { calendar } from './calendar.ts';
import { calendarAttendance } from './calendar-attendance.ts';
import { chatMessages } from './chat-messages.ts';
import { chats } from './chats.ts';
import { comments } from './comments.ts';
import { dismissal } from './dismissal.ts';
import { drive } from './drive.ts';
import { editHistory } from './edit-history.ts';
import { impersonation } from './impersonation.ts';
import { posts } from './posts.ts';
import { profile } from './profile.ts';
import { requests } from './requests.ts';
import { rights } from './rights.ts';
import { signIns } from './sign-ins.ts';
import { taskComments } from './task-comments.ts';
import { taskParticipation } from './task-participation.ts';
import { tasks } from './tasks.ts';

/**
 * Every file of the archive, in the order written. Adding a category is one file beside these and
 * one line here; its name must be new (it is the file name).
 */
export const EXPORT_CATEGORIES: readonly AnyCategory[] = [
  profile,
  posts,
  comments,
  chats,
  chatMessages,
  tasks,
  taskParticipation,
  taskComments,
  calendar,
  calendarAttendance,
  drive,
  rights,
  requests,
  signIns,
  apiTokens,
  auditorRole,
  dismissal,
  auditEvents,
  editHistory,
  impersonation,
];
