import Foundation

/// Names the calling thread, so that connection threads show as `postgres-0`, ... in `top -H`,
/// debuggers and tests.
///
/// On Linux the name is written to `/proc/thread-self/comm` by the thread itself: Foundation's
/// `Thread.name` races with thread start-up there, and a thread that is not named keeps the name
/// of the thread that created it (often one of Swift's cooperative pool).
enum ThreadName {
    static func setCurrent(_ name: String) {
        #if os(Linux)
        if let handle = FileHandle(forWritingAtPath: "/proc/thread-self/comm") {
            handle.write(Data(name.utf8.prefix(15)))
            try? handle.close()
        }
        #endif
        Thread.current.name = name
    }

    /// The calling thread's name as the kernel knows it (Linux), else Foundation's.
    static var current: String? {
        #if os(Linux)
        if let text = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #endif
        return Thread.current.name
    }
}
