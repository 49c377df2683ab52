-- The spikes: kelurahan x category weeks (and days, for 24-hour categories) whose complaint count is unusually
-- high against the series' own recent history (int_aduan__deret_lonjakan: a Poisson control limit). One row per
-- judged period with at least one complaint, `lonjakan` true for the spikes, with the expected and observed
-- count, how unusual (p, and "once in N periods" by chance alone) and a sentence for the command room; the
-- near misses stay, so the room sees what is rising before it crosses the line.

with

deret as (

    select * from {{ ref('int_aduan__deret_lonjakan') }}

),

kategori as (

    select * from {{ ref('kategori_aduan') }}

),

kelurahan as (

    select * from {{ ref('dim_kelurahan') }}

),

dinilai as (

    select
        deret.*,
        kategori.nama_kategori,
        kategori.kode_opd_default as kode_opd,
        kelurahan.nama_kelurahan,
        kelurahan.nama_kecamatan,
        case deret.jendela when 'mingguan' then 'pekan' else 'hari' end as satuan
    from deret
    left join kategori on deret.kode_kategori = kategori.kode_kategori
    left join kelurahan on deret.kode_kelurahan = kelurahan.kode_kelurahan
    where deret.jumlah > 0

),

final as (

    select
        kunci,
        jendela,
        periode_mulai,
        periode_selesai,
        periode_berjalan,
        kode_kelurahan,
        nama_kelurahan,
        nama_kecamatan,
        kode_kategori as kategori,
        nama_kategori,
        kode_opd,
        jumlah,
        cast(round(cast(harapan as numeric), 2) as double precision) as harapan,
        periode_dasar,
        cast(round(cast(jumlah / harapan as numeric), 1) as double precision) as rasio,
        p_nilai,
        cast(round(1.0 / greatest(p_nilai, 1e-9)) as bigint) as sekali_dalam,
        lonjakan,
        concat(
            nama_kategori, ' di ', coalesce(nama_kelurahan, kode_kelurahan), ': ',
            jumlah, ' aduan ',
            case when periode_berjalan then satuan || ' ini (berjalan)' else 'dalam ' || satuan || ' itu' end,
            ', biasanya ', replace(cast(round(cast(harapan as numeric), 1) as text), '.', ','),
            ' (', replace(cast(round(cast(jumlah / harapan as numeric), 1) as text), '.', ','), 'x); ',
            'sebanyak ini kebetulan saja kira-kira sekali dalam ',
            replace(to_char(round(1.0 / greatest(p_nilai, 1e-9)), 'FM999G999G999G999'), ',', '.'), ' ', satuan,
            case when lonjakan then ' (lonjakan)' else '' end
        ) as alasan
    from dinilai

)

select * from final
