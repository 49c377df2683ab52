{#-
  Spikes in counts against the series' own history: a Poisson control limit, as public-health surveillance
  does for small counts (the CDC's EARS and Farrington's method are of this family).

  `hitungan` is a relation or CTE with one row per series and period, zero-filled, and the columns `deret`
  (the series' key), `urutan` (the period's number, consecutive within a series) and `jumlah` (the count);
  any other column passes through. Per row it adds:
    harapan        the mean count of the `periode_dasar` periods just before (the baseline), at least
                   `harapan_minimal` so a series that was silent is not divided by zero
    periode_dasar  how many periods the baseline had (rows with fewer than `minimal_periode_dasar` are left out)
    p_nilai        P(X >= jumlah) for X ~ Poisson(harapan): how often a count this high comes by chance alone,
                   computed exactly (1 minus the lower tail, with ln k! summed from a series of integers)
    lonjakan       p_nilai < `alfa`, and at least `minimal_jumlah` complaints, and at least `rasio_minimal`
                   times the baseline: unusual, not tiny, and big enough to matter to a kelurahan
-#}
{% macro deteksi_lonjakan(
    hitungan,
    periode_dasar,
    minimal_periode_dasar,
    alfa,
    minimal_jumlah=3,
    rasio_minimal=2.0,
    harapan_minimal=0.25
) -%}

with

hitungan_lonjakan as (

    select * from {{ hitungan }}

),

dasar as (

    select
        hitungan_lonjakan.*,
        avg(hitungan_lonjakan.jumlah) over sebelumnya as harapan_mentah,
        count(*) over sebelumnya as periode_dasar
    from hitungan_lonjakan
    window sebelumnya as (
        partition by hitungan_lonjakan.deret
        order by hitungan_lonjakan.urutan
        rows between {{ periode_dasar }} preceding and 1 preceding
    )

),

dinilai as (

    select
        dasar.*,
        greatest(cast(coalesce(dasar.harapan_mentah, 0) as double precision), {{ harapan_minimal }}) as harapan
    from dasar
    where dasar.periode_dasar >= {{ minimal_periode_dasar }}

),

ln_faktorial as (

    -- ln(k!) for k = 0 .. the largest count
    select
        k,
        sum(ln(greatest(k, 1))) over (order by k) as nilai
    from generate_series(0, (select coalesce(max(dinilai.jumlah), 0) from dinilai)) as k

),

ekor as (

    select
        dinilai.deret,
        dinilai.urutan,
        greatest(
            1.0 - coalesce(
                sum(exp(ln_faktorial.k * ln(dinilai.harapan) - dinilai.harapan - ln_faktorial.nilai)), 0
            ),
            0.0
        ) as p_nilai
    from dinilai
    left join ln_faktorial on dinilai.jumlah > ln_faktorial.k
    group by dinilai.deret, dinilai.urutan

)

select
    dinilai.*,
    cast(ekor.p_nilai as double precision) as p_nilai,
    ekor.p_nilai < {{ alfa }}
    and dinilai.jumlah >= {{ minimal_jumlah }}
    and dinilai.jumlah >= {{ rasio_minimal }} * dinilai.harapan as lonjakan
from dinilai
inner join ekor on dinilai.deret = ekor.deret and dinilai.urutan = ekor.urutan

{%- endmacro %}
