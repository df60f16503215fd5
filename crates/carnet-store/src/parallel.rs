//! Work on many documents at once: opening an Automerge document is pure
//! CPU and documents are independent, so they are opened on worker threads
//! while the calling thread writes what is ready, in order, on its one
//! connection and in its one transaction.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Worker threads: one per core, at most four (a joining device opens
/// thousands of documents; more threads would hold more of them in memory
/// for little gain).
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Runs `work` on each input on worker threads and hands each result to
/// `consume` on the calling thread, in the order of `inputs`, as soon as it
/// and every result before it are ready. Stops at the first error of
/// `consume` (the workers stop soon after) and returns it.
pub(crate) fn map_in_order<T, R, E>(
    inputs: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(usize, R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let threads = workers().min(inputs.len());
    if threads <= 1 {
        for (i, input) in inputs.iter().enumerate() {
            consume(i, work(input))?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (send, results) = mpsc::channel::<(usize, R)>();
        for _ in 0..threads {
            let send = send.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    // The receiver is gone when `consume` failed: stop.
                    if send.send((i, work(input))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut ready: Vec<Option<R>> = std::iter::repeat_with(|| None).take(inputs.len()).collect();
        for i in 0..inputs.len() {
            while ready[i].is_none() {
                // Every index is sent exactly once before its worker stops,
                // so the channel cannot close while one is missing.
                let Ok((j, result)) = results.recv() else { break };
                ready[j] = Some(result);
            }
            if let Some(result) = ready[i].take() {
                consume(i, result)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_are_consumed_in_order_and_an_error_stops_the_work() {
        let inputs: Vec<u64> = (0..500).collect();
        let mut seen = Vec::new();
        map_in_order(
            &inputs,
            |n| n * n,
            |i, square| {
                seen.push((i, square));
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        let expected: Vec<(usize, u64)> = inputs.iter().map(|n| (*n as usize, n * n)).collect();
        assert_eq!(seen, expected);

        let mut consumed = 0;
        let err = map_in_order(
            &inputs,
            |n| *n,
            |i, _| {
                consumed += 1;
                if i == 10 { Err(i) } else { Ok(()) }
            },
        );
        assert_eq!(err, Err(10));
        assert_eq!(consumed, 11);
    }
}
