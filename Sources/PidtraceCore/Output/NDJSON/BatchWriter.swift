import Glibc

/// Writes one batch at a time on its own thread, so the reader thread encodes the next
/// batch while the kernel copies this one into the page cache (a burst drains at the
/// slower of the two, not their sum). Owned by one thread: `submit`, `finish` and
/// deinit are called from it.
///
/// The writer owns the bytes it writes: `submit` swaps the encoded batch into the
/// writer's own buffer and hands back the previous one (written, emptied). No pointer
/// to the batch leaves this object, so the caller cannot touch bytes in flight, and
/// the two buffers are reused (no allocation per batch).
final class BatchWriter {
    private let output: OutputFile
    private let signals = SemaphorePair()
    private var thread = pthread_t()
    /// Whether `thread` exists (and must be joined).
    private var started = false
    private var busy = false
    // Handed over through the semaphores, which order the two threads' accesses:
    // the reader thread touches them only while no batch is in flight.
    private var batch: JSONBuffer
    private var error: OutputError?
    private var quit = false

    typealias ThreadStart = @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
    /// pthread_create, replaceable so that a test can make it fail.
    typealias ThreadCreate = (UnsafeMutablePointer<pthread_t>, ThreadStart, UnsafeMutableRawPointer) -> Int32

    /// nil when no thread can be started: the caller writes in place instead.
    init?(output: OutputFile, capacity: Int = 1 << 20,
          createThread: ThreadCreate = { pthread_create($0, nil, $1, $2) }) {
        self.output = output
        batch = JSONBuffer(capacity: capacity)
        let rc = createThread(&thread, { context in
            Unmanaged<BatchWriter>.fromOpaque(context!).takeUnretainedValue().run()
            return nil
        }, Unmanaged.passUnretained(self).toOpaque())
        // A failed init still runs deinit (every property is set): `started` keeps it
        // from joining a thread that does not exist; the semaphores free themselves once.
        guard rc == 0 else { return nil }
        started = true
    }

    /// Starts writing `full`, taking it in exchange for the previous batch's buffer,
    /// which comes back empty. The previous batch must be finished.
    func submit(_ full: inout JSONBuffer) {
        precondition(!busy, "a batch is still being written")
        swap(&batch, &full)
        full.removeAll()
        busy = true
        sem_post(signals.work)
    }

    /// Waits for the batch in flight; throws what writing it failed with.
    func finish() throws(OutputError) {
        guard busy else { return }
        while sem_wait(signals.done) != 0 {} // EINTR: a signal for the reader thread
        busy = false
        if let error {
            self.error = nil
            throw error
        }
    }

    private func run() {
        // Signals go to the reader thread, whose poll they are meant to cut short.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        while true {
            while sem_wait(signals.work) != 0 {}
            if quit { return }
            do {
                try batch.withBytes { (bytes) throws(OutputError) in try output.write(bytes) }
            } catch { self.error = error }
            sem_post(signals.done)
        }
    }

    deinit {
        guard started else { return }
        try? finish()
        quit = true
        sem_post(signals.work)
        pthread_join(thread, nil)
    }
}

/// The writer's two semaphores ([0] work: a batch is ready; [1] done: it was written),
/// created with the object and destroyed once, with it.
private final class SemaphorePair {
    private let storage = UnsafeMutablePointer<sem_t>.allocate(capacity: 2)
    var work: UnsafeMutablePointer<sem_t> { storage }
    var done: UnsafeMutablePointer<sem_t> { storage + 1 }

    init() {
        sem_init(work, 0, 0)
        sem_init(done, 0, 0)
    }

    deinit {
        sem_destroy(work)
        sem_destroy(done)
        storage.deallocate()
    }
}
