//! Queueing theory the approval gate is checked against: Erlang C (M/M/c), Erlang-A (M/M/c+M,
//! requesters who give up) from its birth–death chain, and the waits of one request followed
//! through that queue. Closed forms and numerical solutions only, nothing that runs the engine,
//! so the unit tests (`engine::tests`) and the integration tests (`tests/it/queueing.rs`) hold
//! the simulator to the same theory.
//!
//! Notation: λ arrivals a day, μ reviews a day per reviewer, c reviewers, θ = 1 / mean patience,
//! ρ = λ/(cμ). The number of requests at a gate is a birth–death chain with birth rate λ and
//! death rate min(n, c)·μ + max(n − c, 0)·θ (Palm 1943; Garnett, Mandelbaum & Reiman 2002,
//! "Designing a call center with impatient customers", MSOM 4(3)).

/// E[Q], the stationary mean number waiting (not in review) of the birth–death chain with
/// birth λ and death min(n, c)·μ + max(n − c, 0)·θ. Solved by the normalised product recursion
/// π_n / π_0 = Π_{k ≤ n} λ / death(k), run until the terms no longer matter (they decay at least
/// geometrically past n ≈ c + (λ − cμ)/θ, or geometrically at ρ < 1 when θ = 0). The terms are
/// rescaled whenever they grow large, so nothing overflows.
///
/// # Panics
///
/// When θ = 0 and ρ ≥ 1 (there is no stationary law).
pub fn birth_death_mean_queue(lambda: f64, mu: f64, c: u32, theta: f64) -> f64 {
    assert!(theta > 0.0 || lambda < c as f64 * mu, "no stationary law");
    let (mut term, mut sum, mut queue_sum) = (1.0f64, 1.0f64, 0.0f64);
    let mut n: u64 = 0;
    loop {
        n += 1;
        let waiting = n.saturating_sub(c as u64) as f64;
        term *= lambda / death(n, c, mu, theta);
        sum += term;
        queue_sum += waiting * term;
        if term > 1e200 {
            term *= 1e-200;
            sum *= 1e-200;
            queue_sum *= 1e-200;
        }
        // Past the mode the terms shrink; stop when they and the tail are negligible.
        let shrinking = lambda < death(n, c, mu, theta);
        if shrinking && n > c as u64 && term * (waiting + 1.0) < 1e-17 * sum {
            break;
        }
        assert!(n < 10_000_000, "birth–death recursion did not converge");
    }
    queue_sum / sum
}

/// Death rate of the chain with n at the gate: min(n, c) reviews and max(n − c, 0) patiences.
fn death(n: u64, c: u32, mu: f64, theta: f64) -> f64 {
    n.min(c as u64) as f64 * mu + n.saturating_sub(c as u64) as f64 * theta
}

/// Erlang-A (M/M/c+M): what the requests that reach a gate can expect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// P(abandon) = θ·E[Q]/λ: every queued requester gives up at rate θ.
    pub abandon_share: f64,
    /// E[Q]/λ (Little's law): the mean time in queue of every request, until its review began
    /// (0 if a reviewer was free) if served, until it gave up if it abandoned.
    pub mean_wait: f64,
}

/// [`ErlangA`] at arrival rate λ, review rate μ per reviewer, c reviewers and patience rate θ,
/// from [`birth_death_mean_queue`].
///
/// ```
/// use regsim::theory::erlang_a;
/// // Patience as long as a review (θ = μ): the number at the gate is Poisson(λ/μ) = Poisson(1),
/// // so with one reviewer E[Q] = E[(N − 1)⁺] = 1/e and P(abandon) = θ·E[Q]/λ = 1/e.
/// let a = erlang_a(10.0, 10.0, 1, 10.0);
/// assert!((a.abandon_share - (-1f64).exp()).abs() < 1e-12);
/// ```
///
/// # Panics
///
/// As [`birth_death_mean_queue`].
pub fn erlang_a(lambda: f64, mu: f64, c: u32, theta: f64) -> ErlangA {
    let q = birth_death_mean_queue(lambda, mu, c, theta);
    ErlangA {
        abandon_share: theta * q / lambda,
        mean_wait: q / lambda,
    }
}

/// Mean waits of an arriving request, by following it through the queue (a second route to
/// the theory, used to check [`erlang_a`] and to explain failures). By PASTA it finds n at the
/// gate with the stationary probability π_n; if n < c it waits 0. Otherwise it has i = n − c
/// requests ahead of it, and it moves up at rate cμ + iθ (a review ends or one ahead gives up)
/// and gives up itself at rate θ, so with r_i = cμ + (i + 1)θ and f_i = (cμ + iθ)/r_i:
/// P(served | i) = f_i · P(served | i − 1), E[min(wait, patience) | i] = 1/r_i + f_i·E[… | i − 1],
/// E[wait · 1{served} | i] = P(served | i)/r_i + f_i · E[… | i − 1], each 1, 0, 0 at i = −1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaggedWaits {
    /// Mean time in queue of every request (served: until review; abandoned: until it gave up).
    pub every: f64,
    /// Mean wait of the served requests only.
    pub served_only: f64,
}

/// [`TaggedWaits`] of M/M/c+M at arrival rate λ, review rate μ, c reviewers and patience
/// rate θ.
///
/// # Panics
///
/// When θ = 0.
pub fn tagged_waits(lambda: f64, mu: f64, c: u32, theta: f64) -> TaggedWaits {
    assert!(theta > 0.0);
    let cmu = c as f64 * mu;
    let (mut pi, mut norm) = (1.0f64, 1.0f64);
    let mut served = 0.0;
    let (mut every, mut served_wait) = (0.0, 0.0);
    let (mut s_prev, mut t_prev, mut a_prev) = (1.0f64, 0.0f64, 0.0f64);
    for n in 0u64.. {
        if n > 0 {
            pi *= lambda / death(n, c, mu, theta);
            norm += pi;
        }
        if n < c as u64 {
            served += pi;
            continue;
        }
        let i = (n - c as u64) as f64;
        let r = cmu + (i + 1.0) * theta;
        let f = (cmu + i * theta) / r;
        let s_i = f * s_prev;
        let t_i = 1.0 / r + f * t_prev;
        let a_i = s_i / r + f * a_prev;
        (s_prev, t_prev, a_prev) = (s_i, t_i, a_i);
        served += pi * s_i;
        every += pi * t_i;
        served_wait += pi * a_i;
        if lambda < death(n, c, mu, theta) && pi < 1e-17 * norm {
            break;
        }
        assert!(norm.is_finite(), "tagged-request recursion overflowed");
    }
    TaggedWaits {
        every: every / norm,
        served_only: served_wait / served,
    }
}

/// Erlang C: the mean wait in queue of M/M/c with arrival rate λ and service rate μ per server
/// (ρ = λ/(cμ) < 1): Wq = C(c, a)/(cμ − λ) with a = λ/μ and C(c, a), the probability of
/// waiting, (aᶜ/c!)/(1 − ρ) over Σ_{k<c} aᵏ/k! + (aᶜ/c!)/(1 − ρ).
///
/// ```
/// use regsim::theory::erlang_c_wait;
/// // M/M/1: Wq = ρ/(μ − λ) = 0.5/5.
/// assert!((erlang_c_wait(5.0, 10.0, 1) - 0.1).abs() < 1e-12);
/// // M/M/2 with a = 1: P(wait) = 1/3, so Wq = (1/3)/(2μ − λ) = 1/3.
/// assert!((erlang_c_wait(1.0, 1.0, 2) - 1.0 / 3.0).abs() < 1e-12);
/// ```
///
/// # Panics
///
/// When ρ ≥ 1 (there is no stationary law).
pub fn erlang_c_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / c as f64;
    assert!(rho < 1.0);
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho);
    let prob_wait = last / (sum + last);
    prob_wait / (c as f64 * mu - lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theory_helpers_agree_with_each_other_and_textbook_values() {
        // Erlang C textbook values: M/M/1 Wq = ρ/(μ − λ); M/M/2 with a = 1 has Wq = (1/3)/(2μ − λ).
        assert!((erlang_c_wait(5.0, 10.0, 1) - 0.1).abs() < 1e-12);
        assert!((erlang_c_wait(1.0, 1.0, 2) - 1.0 / 3.0).abs() < 1e-12);
        // With θ = 0 and ρ < 1 the birth–death chain is M/M/c: E[Q]/λ is Erlang C's wait.
        for (lambda, mu, c) in [(5.0, 10.0, 1), (21.0, 10.0, 3), (32.0, 10.0, 4)] {
            let bd = birth_death_mean_queue(lambda, mu, c, 0.0) / lambda;
            let ec = erlang_c_wait(lambda, mu, c);
            assert!((bd - ec).abs() < 1e-10 * ec, "{bd} vs {ec}");
        }
        // With θ = μ the number at the gate is M/M/∞: Poisson(a), so E[Q] = E[(N − c)⁺].
        let (a, c) = (4.2f64, 3u32);
        let mut p = (-a).exp();
        let mut eq = 0.0;
        for n in 1..200u32 {
            p *= a / n as f64;
            eq += n.saturating_sub(c) as f64 * p;
        }
        let bd = birth_death_mean_queue(42.0, 10.0, c, 10.0);
        assert!((bd - eq).abs() < 1e-10 * eq, "{bd} vs {eq}");
        // Little's law: following one request through the queue gives the same mean time in queue
        // as E[Q]/λ from the chain.
        for (lambda, mu, c, theta) in [
            (40.0, 10.0, 5, 5.0),
            (40.0, 10.0, 4, 5.0),
            (42.0, 10.0, 3, 20.0),
        ] {
            let little = erlang_a(lambda, mu, c, theta).mean_wait;
            let tagged = tagged_waits(lambda, mu, c, theta).every;
            assert!(
                (little - tagged).abs() < 1e-10 * little,
                "{little} vs {tagged}"
            );
        }
    }
}
