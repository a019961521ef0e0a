/**
 * The few `chrome.*` calls the tests run inside the extension's service worker (`inWorker`); the
 * worker has the real API, this only types what the tests use.
 */
declare namespace chrome {
  namespace storage {
    const local: {
      get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
    };
  }
  namespace downloads {
    interface DownloadItem {
      id: number;
      filename: string;
      url: string;
      state: 'in_progress' | 'interrupted' | 'complete';
      mime: string;
      fileSize: number;
      error?: string;
    }
    function search(query: { id?: number; state?: string; orderBy?: string[] }): Promise<DownloadItem[]>;
  }
  namespace alarms {
    interface Alarm {
      name: string;
      scheduledTime: number;
    }
    function get(name: string): Promise<Alarm | undefined>;
    function create(name: string, info: { when?: number; delayInMinutes?: number }): Promise<void>;
  }
  namespace runtime {
    function getManifest(): { content_scripts?: { matches?: string[]; js?: string[] }[] };
  }
}
