/**
 * The watch, run on a schedule (hourly unless WATCH_SCHEDULE says): reads the owner's standing
 * and Spotify's quota (the budget's item), and sends each notice that is due (lib/owner/notices.ts) on every channel configured: the log always, the webhook when
 * it has a URL (NOTIFY_WEBHOOK_URL locally, an SSM SecureString deployed), email through SNS when NOTIFY_TOPIC_ARN is. Each notice goes once per
 * channel (a conditional claim, lib/owner/notice-records.ts); one that fails on a channel is logged
 * and tried again by the next run. Nothing a notice carries is a token, a code, a secret or the
 * webhook's URL.
 */
import { claimNotice, markFailed, markSent } from '../../owner/notice-records';
import { dueNotices, type Notice } from '../../owner/notices';
import { getOwner, ownerKeyOf } from '../../owner/owner-store';
import { budgetConfig, noticeConfig, serviceBase, type NoticeConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { publishNotice } from '../../platform/sns';
import { webhookUrl } from '../../platform/webhook-url';
import { postJson, WebhookError } from '../../platform/webhook';
import { quotaLockout, readLedger } from '../../spotify/budget';

export type Channel = 'log' | 'webhook' | 'email';

export interface WatchReport {
  /** The causes due at this run. */
  due: string[];
  /** "<cause> <channel>" for each notice sent by this run, failed in it, or left (sent already, or being sent by another run). */
  sent: string[];
  failed: string[];
  skipped: string[];
}

/** The webhook's body: Slack reads `text`, Discord `content`, ntfy (JSON publishing) `topic`, `title`, `message` and `click`. */
export function webhookBody(notice: Notice, ntfyTopic: string | undefined): Record<string, unknown> {
  const line = `${notice.title}\n${notice.text}`;
  return {
    text: line,
    content: line.slice(0, 2000),
    ...(ntfyTopic ? { topic: ntfyTopic } : {}),
    title: notice.title,
    message: notice.text,
    click: notice.link,
    notice: { cause: notice.cause, title: notice.title, text: notice.text, mattersAt: notice.mattersAt, link: notice.link },
  };
}

async function deliver(channel: Channel, notice: Notice, config: NoticeConfig): Promise<void> {
  if (channel === 'log') {
    logger.warn('Notice for the owner', { cause: notice.cause, title: notice.title, text: notice.text, mattersAt: notice.mattersAt });
    return;
  }
  if (channel === 'webhook') return postJson(config.webhookUrl ?? '', webhookBody(notice, config.ntfyTopic));
  return publishNotice(config.topicArn ?? '', notice.title, `${notice.text}\n\n-- spotify-highlights`);
}

/** What a failure may say in the log: our own messages, else only the error's name. */
function reasonOf(error: unknown): string {
  if (error instanceof WebhookError) return error.message;
  if (error instanceof Error && error.message.startsWith('SNS Publish failed:')) return error.message;
  return error instanceof Error ? error.name : 'unknown';
}

export function channelsOf(config: NoticeConfig): Channel[] {
  return ['log', ...(config.webhookUrl ? (['webhook'] as const) : []), ...(config.topicArn ? (['email'] as const) : [])];
}

export async function runWatch(now = Date.now()): Promise<WatchReport> {
  const settings = noticeConfig();
  const report: WatchReport = { due: [], sent: [], failed: [], skipped: [] };
  const owner = await getOwner();
  if (!owner) {
    logger.info('Watch: nobody is connected, so there is nothing to tell');
    return report;
  }
  const key = ownerKeyOf(owner);
  const base = serviceBase();
  const link = base ? new URL('login', base).toString() : '/login';
  const consoleLink = base ? new URL('owner', base).toString() : '/owner';
  // Spotify's quota is the app's, kept on the budget's item: a lockout in force is a notice due.
  const lockout = quotaLockout(await readLedger(), now);
  const notices = dueNotices(owner, link, now, { lockout, consoleLink, dailyBudget: budgetConfig().daily });
  report.due = notices.map((notice) => notice.cause);
  // The webhook's URL is a secret: deployed, it is read from SSM (platform/webhook-url.ts), and
  // only when a notice is due, so a quiet run asks SSM nothing.
  const config: NoticeConfig = { ...settings, webhookUrl: notices.length ? await webhookUrl() : undefined };
  for (const notice of notices) {
    for (const channel of channelsOf(config)) {
      const name = `${notice.cause} ${channel}`;
      if (!(await claimNotice(key, notice.cause, channel, now))) {
        report.skipped.push(name);
        continue;
      }
      try {
        await deliver(channel, notice, config);
        await markSent(key, notice, channel, now);
        report.sent.push(name);
      } catch (error) {
        const reason = reasonOf(error);
        logger.warn('A notice could not be delivered: the next run tries again', { cause: notice.cause, channel, reason });
        await markFailed(key, notice.cause, channel, reason).catch(() => undefined);
        report.failed.push(name);
      }
    }
  }
  logger.info('Watch done', { ...report });
  return report;
}
