import Glibc

/// Writes one batch at a time on its own thread, so the reader thread encodes the next
/// batch while the kernel copies this one into the page cache (a burst drains at the
/// slower of the two, not their sum). Owned by one thread: `submit`, `finish` and
/// deinit are called from it; the batch's bytes must stay untouched until `finish`.
final class BatchWriter {
    private let output: OutputFile
    /// [0] work: a batch is ready; [1] done: it was written.
    private let semaphores = UnsafeMutablePointer<sem_t>.allocate(capacity: 2)
    private var thread = pthread_t()
    private var busy = false
    // Handed over through the semaphores, which order the two threads' accesses.
    private var batch = UnsafeRawBufferPointer(start: nil, count: 0)
    private var error: OutputError?
    private var quit = false

    init?(output: OutputFile) {
        self.output = output
        sem_init(semaphores, 0, 0)
        sem_init(semaphores + 1, 0, 0)
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<BatchWriter>.fromOpaque(context!).takeUnretainedValue().run()
            return nil
        }, Unmanaged.passUnretained(self).toOpaque())
        if rc != 0 {
            sem_destroy(semaphores)
            sem_destroy(semaphores + 1)
            semaphores.deallocate()
            return nil // the caller writes in place instead
        }
    }

    /// Starts writing `bytes`; the previous batch must be finished.
    func submit(_ bytes: UnsafeRawBufferPointer) {
        precondition(!busy, "a batch is still being written")
        batch = bytes
        busy = true
        sem_post(semaphores)
    }

    /// Waits for the batch in flight; throws what writing it failed with.
    func finish() throws(OutputError) {
        guard busy else { return }
        while sem_wait(semaphores + 1) != 0 {} // EINTR: a signal for the reader thread
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
            while sem_wait(semaphores) != 0 {}
            if quit { return }
            do { try output.write(batch) } catch { self.error = error }
            sem_post(semaphores + 1)
        }
    }

    deinit {
        try? finish()
        quit = true
        sem_post(semaphores)
        pthread_join(thread, nil)
        sem_destroy(semaphores)
        sem_destroy(semaphores + 1)
        semaphores.deallocate()
    }
}
